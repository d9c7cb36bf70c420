/**
 * Spillway's own HTTP/1.1 codec: strict (RFC 9112), in place, and nearly allocation-free.
 *
 * <pre>
 *  client ─► Http1RequestDecoder ─► RequestHead, ByteBuf*, Http1End │ Http1DecodeFailure(400|414|431|501|505)
 *                                        │
 *                                        └─ RequestHeadWriter.write ─► head bytes ─► service
 *                                           (original field lines copied by range, hop-by-hop removed,
 *                                            X-Forwarded-For/-Proto/-Host/-Port and Via added)
 *
 *  service ─► Http1ResponseDecoder ─► ResponseHead, ByteBuf*, Http1End │ Http1DecodeFailure(502)
 *             (expect(method) per request sent)      │
 *                                                    └─ ResponseHeadWriter.write ─► head bytes ─► client
 * </pre>
 *
 * <p>A head is parsed where it was received: {@link io.spillway.proxy.internal.http1.RequestHeadParser}
 * and {@link io.spillway.proxy.internal.http1.ResponseHeadParser} index the start line and the field
 * lines of the received buffer and decode only the fields the proxy acts on
 * ({@link io.spillway.proxy.internal.http1.Http1Field}). Bodies are emitted as slices of the received
 * buffers; a chunked body is validated by {@link io.spillway.proxy.internal.http1.ChunkedBody} and passed
 * through as its chunks, or decoded when the next hop frames the body itself. The decoders emit
 * no Netty {@code HttpObject}: the message types are the four above.
 *
 * <p>Threads: a decoder, the heads it emits and the writers are used on the channel's event loop.
 */
package io.spillway.proxy.internal.http1;
