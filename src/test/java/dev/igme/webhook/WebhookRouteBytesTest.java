package dev.igme.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;

/** The body bytes handed to the producer are exactly the request's, whether or not they were copied. */
class WebhookRouteBytesTest {

    private static final byte[] BODY = "{\"object\":\"instagram\",\"entry\":[\"\\u00e4\"]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aBufferOfExactlyTheBodyIsUsedWithoutACopy() {
        Buffer exact = Buffer.buffer(BODY.length).appendBytes(BODY);
        byte[] bytes = WebhookRoute.bytes(exact);
        assertArrayEquals(BODY, bytes);
        assertSame(bytes, WebhookRoute.bytes(exact), "the backing array itself");
    }

    @Test
    void aLargerOrPooledBufferIsCopiedToExactlyTheBody() {
        Buffer larger = Buffer.buffer(BODY.length * 4).appendBytes(BODY);
        assertArrayEquals(BODY, WebhookRoute.bytes(larger));
        @SuppressWarnings("deprecation")
        Buffer pooled = Buffer.buffer(PooledByteBufAllocator.DEFAULT.heapBuffer(BODY.length).writeBytes(BODY));
        byte[] fromPool = WebhookRoute.bytes(pooled);
        assertArrayEquals(BODY, fromPool);
        assertEquals(BODY.length, fromPool.length);
    }

    @Test
    void noBodyIsEmpty() {
        assertEquals(0, WebhookRoute.bytes(null).length);
    }
}
