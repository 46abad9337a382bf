package dev.igme.reply;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.api.ApiError;
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
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        Long beforeId;
        try {
            beforeId = cursor == null || cursor.isBlank() ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("cursor is not valid");
        }
        return repository.search(blankToNull(status), blankToNull(account), blankToNull(ref), instant("from", from),
                instant("to", to), beforeId, size + 1).map(rows -> {
                    boolean more = rows.size() > size;
                    List<Reply> page = more ? rows.subList(0, size) : rows;
                    return new Page(page, more ? String.valueOf(page.get(page.size() - 1).id) : null);
                });
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
