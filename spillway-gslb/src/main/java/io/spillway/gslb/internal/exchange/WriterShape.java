package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The field readers of the exchange's streaming decoding ({@link ReportFrameReader},
 * {@link SiteReportReader}): each takes the next value only if it has the JSON type this
 * project's writer gives that field, and otherwise throws {@link NotWriterShape}, on which the
 * frame goes to data binding, which accepts or refuses it exactly as before. One place for the
 * rule "the writer's shape or the general path".
 */
final class WriterShape {

    private WriterShape() {
    }

    static String text(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    static int intValue(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getIntValue();
    }

    static long longValue(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    static double doubleValue(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_NUMBER_FLOAT) {
            expect(t, JsonToken.VALUE_NUMBER_INT);
        }
        return p.getDoubleValue();
    }

    static boolean bool(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        expect(t, JsonToken.VALUE_FALSE);
        return false;
    }

    static void skip(JsonParser p) throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    /** After the last field: the object must have ended there (not at the end of the input). */
    static void end(JsonParser p) {
        expect(p.currentToken(), JsonToken.END_OBJECT);
    }

    /**
     * As {@link #end(JsonParser)}, and every primitive field was there: data binding refuses a
     * missing one (FAIL_ON_NULL_FOR_PRIMITIVES), so the general path must judge such a frame.
     */
    static void end(JsonParser p, int seen, int all) {
        end(p);
        if (seen != all) {
            throw new NotWriterShape();
        }
    }

    static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new NotWriterShape();
        }
    }

    /** The frame is not in the writer's shape: the general path takes it. */
    static final class NotWriterShape extends RuntimeException {
        NotWriterShape() {
            super(null, null, false, false);
        }
    }
}
