package dev.igme.attribution;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/** Read API over stored attributions, for services that prefer a query to the topic. */
@Path("/api/v1/attributions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class AttributionResource {

    /** One page, newest first; {@code nextCursor} is null on the last page. */
    public record Page(List<AttributionEvent> items, String nextCursor) {
    }

    private final AttributionRepository repository;
    private final ObjectMapper mapper;

    public AttributionResource(AttributionRepository repository, ObjectMapper mapper) {
        this.repository = repository;
        this.mapper = mapper;
    }

    @GET
    public Uni<Page> list(@RestQuery String account, @RestQuery String ref, @RestQuery String refPrefix,
            @RestQuery String scenario, @RestQuery String from, @RestQuery String to, @RestQuery Integer limit,
            @RestQuery String cursor) {
        int size = QueryParams.limit(limit, AttributionQuery.DEFAULT_LIMIT, AttributionQuery.MAX_LIMIT);
        AttributionQuery query = new AttributionQuery(QueryParams.blankToNull(account), QueryParams.blankToNull(ref), QueryParams.blankToNull(refPrefix),
                scenario(scenario), QueryParams.instant("from", from), QueryParams.instant("to", to), size + 1, cursor(cursor));
        return repository.search(query).map(rows -> {
            boolean more = rows.size() > size;
            List<Attribution> page = more ? rows.subList(0, size) : rows;
            Attribution last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new Page(page.stream().map(this::event).toList(),
                    more ? new AttributionQuery.Cursor(last.occurredAt, last.attributionId).encode() : null);
        });
    }

    private AttributionEvent event(Attribution a) {
        try {
            return new AttributionEvent(AttributionEvent.SCHEMA_VERSION, a.attributionId, Scenario.valueOf(a.scenario),
                    a.newThread, a.igAccountId, a.igsid, a.ref, a.refValid, a.source,
                    SourceCategory.valueOf(a.sourceCategory), a.type, a.messageId, a.postbackTitle, a.postbackPayload,
                    a.adId, a.adsContext == null ? null : mapper.readTree(a.adsContext), a.productId, a.occurredAt,
                    a.receivedAt, a.deliveryId, a.standby, a.test);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored ads_context of " + a.attributionId + " is not JSON", e);
        }
    }

    private static Scenario scenario(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Scenario.valueOf(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("scenario must be one of " + List.of(Scenario.values()));
        }
    }


    private static AttributionQuery.Cursor cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return AttributionQuery.Cursor.decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

}
