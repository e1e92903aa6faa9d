/**
 * The accept queue a server facing the open-loop driver listens with. Node's default is 511: when
 * a target stalls for a few ms at 10,000+ sends a second, the driver opens hundreds of connections
 * at once (one request per connection), the queue overflows, the kernel drops the SYNs, and each
 * dropped connection retries only after TCP's 1 s initial timeout: requests pile up to the
 * in-flight cap and the run never recovers (seen as `TcpExtListenOverflows` in `nstat`). The
 * kernel caps it at `net.core.somaxconn` (4096 on current Linux).
 */
export const listenBacklog = 4096;
