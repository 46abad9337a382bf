package dev.igme.console;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.attribution.AttributionQuery;
import dev.igme.attribution.AttributionStore;
import dev.igme.reply.coupons.CouponPools;
import dev.igme.reply.outbox.Reply;
import dev.igme.reply.outbox.ReplyRepository;
import dev.igme.reply.outbox.ReplyStatus;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

/** What happened: reply outcomes with their reasons, recent attributions with their refStatus, coupon pools. */
@ConsolePage
@Path(Pages.ROOT)
@Produces(MediaType.TEXT_HTML)
public class ActivityPages {

    static final int ROWS = 100;

    private final ReplyRepository replies;
    private final AttributionStore attributions;
    private final CouponPools pools;
    private final Template repliesPage;
    private final Template attributionsPage;
    private final Template couponsPage;

    public ActivityPages(ReplyRepository replies, AttributionStore attributions, CouponPools pools,
            @Location("console/replies.html") Template repliesPage,
            @Location("console/attributions.html") Template attributionsPage,
            @Location("console/coupons.html") Template couponsPage) {
        this.replies = replies;
        this.attributions = attributions;
        this.pools = pools;
        this.repliesPage = repliesPage;
        this.attributionsPage = attributionsPage;
        this.couponsPage = couponsPage;
    }

    /** The newest replies, optionally of one status ({@code FAILED_*} for every failure), and how many of each are shown. */
    @GET
    @Path("/replies")
    public Uni<Response> replies(@RestQuery String status) {
        String filter = status == null || status.isBlank() ? null : status.strip();
        return replies.search(filter, null, null, null, null, null, ROWS).map(rows -> {
            Map<String, Integer> counts = new TreeMap<>();
            for (Reply reply : rows) {
                counts.merge(reply.status, 1, Integer::sum);
            }
            return Pages.html(Response.Status.OK, repliesPage.data("replies", rows).data("counts", counts.entrySet())
                    .data("status", filter == null ? "" : filter).data("statuses", List.of(ReplyStatus.values())));
        });
    }

    @GET
    @Path("/attributions")
    public Uni<Response> attributions() {
        return attributions.search(new AttributionQuery(null, null, null, null, null, null, ROWS, null))
                .map(rows -> Pages.html(Response.Status.OK, attributionsPage.data("attributions", rows)));
    }

    @GET
    @Path("/coupons")
    public Uni<Response> coupons() {
        return pools.list().map(rows -> Pages.html(Response.Status.OK, couponsPage.data("pools", rows)));
    }
}
