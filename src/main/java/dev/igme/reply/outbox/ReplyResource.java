package dev.igme.reply.outbox;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;

/** What the replier did with each attribution, for operators. */
@Path("/api/v1/replies")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class ReplyResource {

    static final int MAX_LIMIT = 500;

    /** One page, newest first; pass {@code nextCursor} as {@code cursor} for the next. */
    public record Page(List<Reply> items, String nextCursor) {
    }

    private final ReplyRepository repository;

    public ReplyResource(ReplyRepository repository) {
        this.repository = repository;
    }

    @GET
    public Uni<Page> list(@RestQuery String status, @RestQuery String account, @RestQuery String ref,
            @RestQuery String from, @RestQuery String to, @RestQuery Integer limit, @RestQuery String cursor) {
        int size = QueryParams.limit(limit, 50, MAX_LIMIT);
        Long beforeId;
        try {
            beforeId = cursor == null || cursor.isBlank() ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("cursor is not valid");
        }
        return repository.search(QueryParams.blankToNull(status), QueryParams.blankToNull(account), QueryParams.blankToNull(ref), QueryParams.instant("from", from),
                QueryParams.instant("to", to), beforeId, size + 1).map(rows -> {
                    boolean more = rows.size() > size;
                    List<Reply> page = more ? rows.subList(0, size) : rows;
                    return new Page(page, more ? String.valueOf(page.get(page.size() - 1).id) : null);
                });
    }


}
