package dev.igme.reply.outbox;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.Page;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;

/** What the replier did with each attribution, for operators. */
@Path("/api/v1/replies")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class ReplyResource {

    static final int MAX_LIMIT = 500;

    private final ReplyRepository repository;

    public ReplyResource(ReplyRepository repository) {
        this.repository = repository;
    }

    /** One page, newest first. */
    @GET
    public Uni<Page<Reply>> list(@RestQuery String status, @RestQuery String account, @RestQuery String ref,
            @RestQuery String from, @RestQuery String to, @RestQuery Integer limit, @RestQuery String cursor) {
        int size = QueryParams.limit(limit, 50, MAX_LIMIT);
        Long beforeId;
        try {
            beforeId = cursor == null || cursor.isBlank() ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("cursor is not valid", "cursor");
        }
        return repository.search(QueryParams.blankToNull(status), QueryParams.blankToNull(account), QueryParams.blankToNull(ref), QueryParams.instant("from", from),
                QueryParams.instant("to", to), beforeId, Page.fetchSize(size))
                .map(rows -> Page.of(rows, size, last -> String.valueOf(last.id)));
    }
}
