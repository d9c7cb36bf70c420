package io.spillway.proxy.internal.http1;

/** Takes a released head back for a next message ({@link SpareHeads}). */
interface HeadOwner {
    void giveBack(Http1Head head);
}
