package dev.igme.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.RouteOrder;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /webhooks/instagram}, Meta's deliveries. A plain Vert.x route rather than a REST
 * resource: this is the one hot path, and a profile at full load put a fifth of the event loop in
 * REST's request and body handling and in the context propagation of its reactive chain. HTTP in,
 * {@link WebhookIngress} call, HTTP out; every answer is {@code text/plain} and nothing from the
 * request is reflected. The subscription handshake (GET) stays in {@link WebhookResource}.
 */
@ApplicationScoped
public class WebhookRoute {

    public static final String PATH = "/webhooks/instagram";
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    public static final String DELIVERY_ID_HEADER = "X-Igme-Delivery-Id";
    private static final String TEXT = "text/plain;charset=UTF-8";

    private final WebhookIngress ingress;
    private final long maxBodyBytes;
    private final String retryAfterSeconds;

    public WebhookRoute(WebhookIngress ingress, IgmeConfig config) {
        this.ingress = ingress;
        this.maxBodyBytes = config.webhook().maxBodySize().asLongValue();
        this.retryAfterSeconds = Long.toString(Math.max(1, config.webhook().retryAfter().toSeconds()));
    }

    void register(@Observes Router router) {
        // BodyHandler answers 413 for a declared Content-Length over the limit before reading, and
        // stops a chunked body as soon as it passes the limit: nothing oversized is buffered.
        router.post(PATH).order(RouteOrder.BEFORE_SECURITY)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes).setPreallocateBodyBuffer(true))
                .handler(this::receive);
    }

    private void receive(RoutingContext request) {
        HttpServerResponse response = request.response();
        if (!ingress.enabled()) {
            end(response.setStatusCode(404), WebhookIngress.NOT_AN_INGRESS);
            return;
        }
        byte[] body = bytes(request.body().buffer());
        Context context = Vertx.currentContext();
        ingress.receive(request.request().headers().getAll(SIGNATURE_HEADER), body).whenComplete((outcome, failure) -> {
            if (context == null || Vertx.currentContext() == context) {
                answer(response, outcome, failure);
            } else {
                context.runOnContext(ignored -> answer(response, outcome, failure));
            }
        });
    }

    /**
     * The body's bytes, without a copy when BodyHandler read a {@code Content-Length} body into an
     * unpooled heap buffer of exactly that size (the usual case); a copy otherwise. Saves one copy
     * of every delivery on the hot path.
     */
    @SuppressWarnings("deprecation") // getByteBuf: still the way to reach the backing array in Vert.x 4
    static byte[] bytes(Buffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuf bytes = buffer.getByteBuf();
        if (bytes.hasArray() && bytes.arrayOffset() == 0 && bytes.readerIndex() == 0
                && bytes.array().length == bytes.readableBytes()) {
            // an array of exactly the body: not a slice of a pooled chunk that could be reused
            return bytes.array();
        }
        return buffer.getBytes();
    }

    private void answer(HttpServerResponse response, WebhookIngress.Outcome outcome, Throwable failure) {
        if (response.ended() || response.closed()) {
            return; // Meta gave up on this request and retries it; stable attribution ids absorb the repeat
        }
        // WebhookIngress settles every delivery with an outcome; a failure here is a bug: Meta must retry
        WebhookIngress.Outcome.Status status = failure == null ? outcome.status() : WebhookIngress.Outcome.Status.NOT_STORED;
        String deliveryId = failure == null ? outcome.deliveryId() : null;
        switch (status) {
            case STORED -> response.setStatusCode(200).putHeader(DELIVERY_ID_HEADER, deliveryId).end();
            case BAD_SIGNATURE -> end(response.setStatusCode(401), "missing or invalid " + SIGNATURE_HEADER);
            case NOT_STORED -> {
                response.setStatusCode(503).putHeader("Retry-After", retryAfterSeconds);
                if (deliveryId != null) {
                    response.putHeader(DELIVERY_ID_HEADER, deliveryId);
                }
                end(response, "delivery not stored, retry later");
            }
        }
    }

    private static void end(HttpServerResponse response, String text) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(text);
    }
}
