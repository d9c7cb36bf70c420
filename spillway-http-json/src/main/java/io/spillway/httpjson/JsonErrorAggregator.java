package io.spillway.httpjson;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Netty's aggregator, answering an oversized request with the JSON error and always closing:
 * the rest of the body is not worth reading.
 */
final class JsonErrorAggregator extends HttpObjectAggregator {

    private final ApiResponse tooLarge;

    JsonErrorAggregator(int maxBody) {
        super(maxBody);
        this.tooLarge = ApiResponse.error(413, "request body is larger than " + maxBody + " bytes");
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        ctx.writeAndFlush(HttpResponses.of(tooLarge, false, false)).addListener(ChannelFutureListener.CLOSE);
    }
}
