package dev.igme.conversation;

import java.time.Clock;
import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.igme.platform.api.ApiError;
import io.smallrye.mutiny.Uni;

/** The messaging window of one conversation, as the replier sees it. */
@Path("/api/v1/conversations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class ConversationResource {

    /** A conversation's state; {@code windowExpiresAt} is null until the user has interacted. */
    public record ConversationView(String igAccountId, String igsid, Instant lastInboundAt,
            Instant lastBusinessMessageAt, boolean windowOpen, Instant windowExpiresAt) {
    }

    private final ConversationStore store;
    private final Clock clock;

    public ConversationResource(ConversationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GET
    @Path("/{igAccountId}/{igsid}")
    public Uni<ConversationView> get(@PathParam("igAccountId") String igAccountId, @PathParam("igsid") String igsid) {
        return store.find(new ConversationKey(igAccountId, igsid)).map(c -> {
            if (c == null) {
                throw ApiError.notFound("no conversation between " + igAccountId + " and " + igsid);
            }
            MessagingWindow window = c.window();
            return new ConversationView(igAccountId, igsid, c.lastInboundAt(), c.lastBusinessMessageAt(),
                    window.openAt(clock.instant()), window.expiresAt());
        });
    }
}
