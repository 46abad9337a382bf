package dev.igme.webhook;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.config.IgmeConfig;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;

/**
 * Meta's webhook callback. Thin: HTTP in, {@link WebhookIngress} call, HTTP out. Every answer is
 * {@code text/plain} and nothing from the request is ever reflected except a validated challenge.
 */
@Path("/webhooks/instagram")
@Produces(MediaType.TEXT_PLAIN)
public class WebhookResource {

    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    static final String DELIVERY_ID_HEADER = "X-Igme-Delivery-Id";

    private final WebhookIngress ingress;
    private final long retryAfterSeconds;

    public WebhookResource(WebhookIngress ingress, IgmeConfig config) {
        this.ingress = ingress;
        this.retryAfterSeconds = Math.max(1, config.webhook().retryAfter().toSeconds());
    }

    /** Subscription handshake: echo {@code hub.challenge} when mode and token are right. */
    @GET
    @NonBlocking
    public Response verify(@RestQuery("hub.mode") String mode,
            @RestQuery("hub.verify_token") String token,
            @RestQuery("hub.challenge") String challenge) {
        if (!ingress.enabled()) {
            return plain(Response.Status.NOT_FOUND, "this instance does not have the ingress role");
        }
        return switch (ingress.handshake(mode, token, challenge)) {
            case ACCEPTED -> Response.ok(challenge, MediaType.TEXT_PLAIN_TYPE).build();
            case FORBIDDEN -> plain(Response.Status.FORBIDDEN, "verification refused");
            case BAD_CHALLENGE -> plain(Response.Status.BAD_REQUEST, "hub.challenge must be 1-128 letters or digits");
        };
    }

    /** A delivery: 200 only once it is on the raw topic, 401 if not signed by us, 503 if not stored. */
    @POST
    public Uni<Response> receive(@Context HttpHeaders headers, byte[] body) {
        if (!ingress.enabled()) {
            return Uni.createFrom().item(plain(Response.Status.NOT_FOUND, "this instance does not have the ingress role"));
        }
        return ingress.receive(headers.getRequestHeader(SIGNATURE_HEADER), body).map(outcome -> switch (outcome.status()) {
            case STORED -> Response.ok().header(DELIVERY_ID_HEADER, outcome.deliveryId()).build();
            case BAD_SIGNATURE -> plain(Response.Status.UNAUTHORIZED, "missing or invalid " + SIGNATURE_HEADER);
            case NOT_STORED -> Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", retryAfterSeconds)
                    .header(DELIVERY_ID_HEADER, outcome.deliveryId())
                    .entity("delivery not stored, retry later")
                    .type(MediaType.TEXT_PLAIN_TYPE)
                    .build();
        });
    }

    private static Response plain(Response.Status status, String message) {
        return Response.status(status).entity(message).type(MediaType.TEXT_PLAIN_TYPE).build();
    }
}
