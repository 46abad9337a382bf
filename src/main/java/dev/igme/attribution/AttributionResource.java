package dev.igme.attribution;

import java.util.List;

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

/** Read API over stored attributions, for services that prefer a query to the topic. */
@Path("/api/v1/attributions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class AttributionResource {

    private final AttributionStore store;

    public AttributionResource(AttributionStore store) {
        this.store = store;
    }

    /** One page, newest first; {@code nextCursor} is null on the last page. */
    @GET
    public Uni<Page<AttributionEvent>> list(@RestQuery String account, @RestQuery String ref,
            @RestQuery String refPrefix, @RestQuery String scenario, @RestQuery String from, @RestQuery String to,
            @RestQuery Integer limit, @RestQuery String cursor) {
        int size = QueryParams.limit(limit, AttributionQuery.DEFAULT_LIMIT, AttributionQuery.MAX_LIMIT);
        AttributionQuery query = new AttributionQuery(QueryParams.blankToNull(account), QueryParams.blankToNull(ref),
                QueryParams.blankToNull(refPrefix), scenario(scenario), QueryParams.instant("from", from),
                QueryParams.instant("to", to), Page.fetchSize(size), cursor(cursor));
        return store.search(query).map(rows -> Page.of(rows, size,
                last -> new AttributionQuery.Cursor(last.occurredAt(), last.attributionId()).encode()));
    }

    private static Scenario scenario(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Scenario.valueOf(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("scenario must be one of " + List.of(Scenario.values()), "scenario");
        }
    }

    private static AttributionQuery.Cursor cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return AttributionQuery.Cursor.decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "cursor");
        }
    }
}
