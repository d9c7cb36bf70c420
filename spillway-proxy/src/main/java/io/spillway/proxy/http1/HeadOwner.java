package io.spillway.proxy.http1;

/** Takes a released head back for the next message of the same connection. */
interface HeadOwner {
    void giveBack(Http1Head head);
}
