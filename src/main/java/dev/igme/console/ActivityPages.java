package dev.igme.console;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.attribution.AttributionQuery;
import dev.igme.attribution.AttributionStore;
import dev.igme.reply.coupons.CodeUpload;
import dev.igme.reply.coupons.CouponPools;
import dev.igme.reply.outbox.Reply;
import dev.igme.reply.outbox.ReplyRepository;
import dev.igme.reply.outbox.ReplyStatus;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** What happened: reply outcomes with their reasons, recent attributions with their refStatus, coupon pools (and adding codes). */
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

    /**
     * The pools. Right after an upload from this browser, the page says how many codes were added
     * to that pool: that count comes from a short-lived same-site cookie ({@link UploadFlash}), not from the
     * address, so a link cannot make the page claim an upload that did not happen.
     */
    @GET
    @Path("/coupons")
    public Uni<Response> coupons(@RestQuery("pool") String poolParam, @RestCookie(UploadFlash.COOKIE) String flash,
            HttpServerRequest request) {
        Long pool = Pages.wholeNumber(poolParam, "Not a coupon pool",
                "pool must be a coupon pool's number, as in the address the page's own forms lead to.");
        UploadFlash upload = UploadFlash.parse(flash);
        String done = upload == null || pool == null || upload.pool() != pool ? null
                : upload.added() + " code(s) added" + (upload.duplicates() == 0 ? "" : ", " + upload.duplicates()
                        + " already in the pool or repeated in the upload, skipped") + ".";
        return couponsPage(Response.Status.OK, pool, done, null, "").map(page -> flash == null ? page
                : Response.fromResponse(page).cookie(UploadFlash.cleared(request.isSSL())).build());
    }

    /**
     * Adds codes pasted one per line (or a CSV with a {@code code} header) to a pool, all or none, as
     * {@code POST /api/v1/coupon-pools/{id}/codes} does; a refused upload is shown beside the pool's
     * box with the pasted text kept.
     */
    @POST
    @Path("/coupons/{id}/codes")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> addCodes(@PathParam("id") long id, @RestForm String codes, HttpServerRequest request) {
        String text = codes == null ? "" : codes;
        return Uni.createFrom().deferred(() -> pools.upload(id, CodeUpload.TEXT, text.getBytes(StandardCharsets.UTF_8)))
                .chain(uploaded -> uploaded == null
                        ? Uni.createFrom().item(Pages.message(Response.Status.NOT_FOUND, "No such coupon pool",
                                "There is no coupon pool " + id + "."))
                        : Uni.createFrom().item(Response.fromResponse(Pages.seeOther(Pages.ROOT + "/coupons?pool=" + id))
                                .cookie(new UploadFlash(id, uploaded.added(), uploaded.duplicates()).cookie(request.isSSL()))
                                .build()))
                .onFailure(CodeUpload.InvalidUpload.class).recoverWithUni(e -> couponsPage(
                        Response.Status.fromStatusCode(((CodeUpload.InvalidUpload) e).status()), id, null, e.getMessage(), text));
    }

    /** The pools; {@code pool} is the one a message ({@code done}) or a refusal ({@code error}) is about. */
    private Uni<Response> couponsPage(Response.Status status, Long pool, String done, String error, String codes) {
        return pools.list().map(rows -> Pages.html(status, couponsPage.data("pools", rows)
                .data("pool", pool == null ? -1L : pool).data("done", done).data("error", error).data("codes", codes)));
    }
}
