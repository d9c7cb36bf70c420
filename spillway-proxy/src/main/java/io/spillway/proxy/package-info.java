/**
 * The Netty data plane (SPEC S1, S4-S8; ARCHITECTURE.md "Runtime").
 *
 * <pre>
 *  client ─► Listener ─► AdmissionHandler ─► ClientConnection
 *            (bound per   SpilloverChain.admit   ├─ tcp, tls-tcp: TcpConnection ─(connected)─► Relay ⇄ service
 *             vServer)    on the accepting loop  └─ http, https: Http1ClientLeg (ClientLeg)
 *                                                      └─ ProxiedExchange per request ─► ServerLegs.open
 *                                                           └─ Http1ServerLeg (ServerLeg, pooled per loop) ─► service
 *                                                      after a 101: Relay ⇄ service
 * </pre>
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
