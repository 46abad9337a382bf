package dev.igme.webhook;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.common.annotation.NonBlocking;

/**
 * The subscription handshake of Meta's webhook callback. Every answer is {@code text/plain} and
 * nothing from the request is reflected except a validated challenge. Deliveries (POST) are served
 * by {@link WebhookRoute}.
 */
@Path(WebhookRoute.PATH)
@Produces(MediaType.TEXT_PLAIN)
public class WebhookResource {

    private final WebhookIngress ingress;

    public WebhookResource(WebhookIngress ingress) {
        this.ingress = ingress;
    }

    /** Subscription handshake: echo {@code hub.challenge} when mode and token are right. */
    @GET
    @NonBlocking
    public Response verify(@RestQuery("hub.mode") String mode,
            @RestQuery("hub.verify_token") String token,
            @RestQuery("hub.challenge") String challenge) {
        if (!ingress.enabled()) {
            return plain(Response.Status.NOT_FOUND, WebhookIngress.NOT_AN_INGRESS);
        }
        return switch (ingress.credentials().handshake(mode, token, challenge)) {
            case ACCEPTED -> Response.ok(challenge, MediaType.TEXT_PLAIN_TYPE).build();
            case FORBIDDEN -> plain(Response.Status.FORBIDDEN, "verification refused");
            case BAD_CHALLENGE -> plain(Response.Status.BAD_REQUEST, "hub.challenge must be 1-128 letters or digits");
        };
    }

    private static Response plain(Response.Status status, String message) {
        return Response.status(status).entity(message).type(MediaType.TEXT_PLAIN_TYPE).build();
    }
}
