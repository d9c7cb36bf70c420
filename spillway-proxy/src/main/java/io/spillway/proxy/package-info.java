/**
 * The Netty data plane (SPEC S1, S4-S8; ARCHITECTURE.md "Runtime").
 *
 * <pre>
 *  client ─► Listener ─► AdmissionHandler ──► tcp, tls-tcp: TcpRelayHandler ⇄ TcpBackendHandler ─► service
 *            (bound per   SpilloverChain.admit    http, https: HttpFrontendHandler
 *             vServer)    on the accepting loop      └─ HttpExchange per request ─► UpstreamPool (per loop)
 *                                                                                    └─ HttpBackendHandler ─► service
 * </pre>
 *
 * <p>Slots. A connection's vServer slot is taken by {@link io.spillway.proxy.AdmissionHandler}
 * and given back by the channel's close future. A service slot is held per connection by the
 * TCP relay and per request by an HTTP exchange, each released exactly once by the object that
 * took it, whatever ends it: close, error, timeout or a failed TLS handshake.
 *
 * <p>Threads. Both legs of a proxied connection live on the client's event loop: the upstream
 * connect is made there and the keep-alive pools are per loop, so nothing on the data path takes
 * a lock. {@link io.spillway.proxy.ProxyServer} is the only public class.
 */
package io.spillway.proxy;
