/**
 * The Netty data plane (SPEC S1, S4-S8; ARCHITECTURE.md "Runtime").
 *
 * <pre>
 *  client ─► Listener ─► AdmissionHandler ─► ClientConnection
 *            (bound per   SpilloverChain.admit   ├─ tcp, tls-tcp: TcpConnection ─(connected)─► Relay ⇄ service
 *             vServer)    on the accepting loop  └─ http, https: [ServerTls (SNI)] ─ Http2Detector (ALPN / preface)
 *                                                      ├─ HTTP/1.1: Http1ClientLeg (ClientLeg)
 *                                                      │    after a 101: Relay ⇄ service
 *                                                      └─ HTTP/2: Http2ClientConnection ═► Http2ClientLeg per stream (ClientLeg)
 *                                                 each request: ProxiedExchange ─► ServerLegs.open
 *                                                      ├─ http, tls: Http1ServerLeg (ServerLeg, pooled per loop) ─► service
 *                                                      └─ h2c, h2: Http2ServerLeg (ServerLeg), a stream on an
 *                                                           Http2ServiceConnection shared per loop (Http2Upstreams) ─► service
 * </pre>
 *
 * <p>HTTP/2 meets the exchange in HTTP/1.1 terms: the HTTP/2 legs convert heads, framing and
 * trailers at their edge ({@link io.spillway.proxy.Http2Messages}), so the HTTP/1.1 path stays
 * zero-copy and both protocols share one parser and one request-head writer. An HTTP/2
 * connection is admitted once, like an HTTP/1.1 one; each of its streams is an exchange.
 *
 * <p>Slots. A connection's vServer slot is taken by {@link io.spillway.proxy.AdmissionHandler}
 * for its {@link io.spillway.proxy.ClientConnection} and given back by the channel's close
 * future. A service slot is held per connection by a TCP connection, per request by an HTTP
 * exchange, and per tunnel after a 101; each is released exactly once by the object that holds
 * it, whatever ends it: close, error, timeout or a failed TLS handshake.
 *
 * <p>Reads. Only {@link io.spillway.proxy.ReadGate} turns a channel's reads on and off.
 *
 * <p>Threads. Both legs of a proxied connection live on the client's event loop: the upstream
 * connect is made there and the keep-alive pools are per loop, so nothing on the data path takes
 * a lock. {@link io.spillway.proxy.ProxyServer} is the only public class.
 */
package io.spillway.proxy;
