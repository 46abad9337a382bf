package dev.igme.link.redirect;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.link.LinkSettings;
import dev.igme.link.directory.LinkDirectory;
import dev.igme.link.directory.LinkSnapshot;
import dev.igme.link.ref.RefCodec;
import dev.igme.platform.Role;
import dev.igme.platform.RouteOrder;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /r/{id}}: the tracked redirect in front of a link's ig.me URL, on the ingress role's
 * public host. Answers {@code 302} at once from memory ({@link LinkDirectory}), with the link's ref
 * plus a new click id, still signed, so that the referral that follows joins its click exactly; the
 * click goes to {@code instagram.link.clicks} without waiting. Link-preview bots get the plain link
 * and are counted apart. Unknown ids get a small page saying so (404), archived or expired links
 * another (410).
 */
@ApplicationScoped
public class RedirectRoute {

    public static final String PATH = "/r/:id";

    private final LinkDirectory directory;
    private final ClickPublisher clicks;
    private final RefCodec codec;
    private final Clock clock;
    private final boolean ingress;

    public RedirectRoute(LinkDirectory directory, ClickPublisher clicks, LinkSettings settings, Clock clock, Roles roles) {
        this.directory = directory;
        this.clicks = clicks;
        this.codec = settings.codec();
        this.clock = clock;
        this.ingress = roles.has(Role.INGRESS);
    }

    void register(@Observes Router router) {
        router.get(PATH).order(RouteOrder.BEFORE_SECURITY).handler(this::redirect);
    }

    private void redirect(RoutingContext request) {
        HttpServerResponse response = request.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (!ingress) {
            page(response, 404, "Not here", "This instance does not serve links.");
            return;
        }
        if (!directory.loaded()) {
            response.putHeader("Retry-After", "1");
            page(response, 503, "One moment", "This link service is starting. Please try again in a moment.");
            return;
        }
        String id = request.pathParam("id");
        LinkSnapshot link = id == null ? null : directory.find(id).orElse(null);
        Instant now = clock.instant();
        if (link == null || link.username() == null) {
            count("unknown");
            page(response, 404, "Link not found", "This link does not exist. Please check the address.");
            return;
        }
        if (link.gone(now)) {
            count("gone");
            page(response, 410, "Link no longer active", "This link has ended. The campaign it belonged to is over.");
            return;
        }
        Visitor visitor = Visitor.of(request.request().getHeader(HttpHeaders.USER_AGENT));
        String clickId = codec.newClickId();
        RefCodec.Parts parts = new RefCodec.Parts(link.slug(), link.id(), visitor.isBot() ? null : clickId,
                link.expiresAt(), null);
        String target = LinkSettings.igMeUrl(link.username(), codec.mint(parts));
        response.setStatusCode(302).putHeader(HttpHeaders.LOCATION, target).end();
        count(visitor.isBot() ? "bot" : "click");
        clicks.publish(new ClickEvent(ClickEvent.SCHEMA_VERSION, clickId, link.id(), link.campaignId(),
                link.igAccountId(), link.channel(), now, visitor.device().name().toLowerCase(java.util.Locale.ROOT),
                visitor.bot()));
    }

    /** One counter per outcome, looked up once: the hot path only increments. */
    private static final java.util.Map<String, Counter> REDIRECTS = java.util.Map.of(
            "click", redirects("click"), "bot", redirects("bot"), "unknown", redirects("unknown"), "gone", redirects("gone"));

    private static Counter redirects(String outcome) {
        return Metrics.counter("igme.link.redirects", "outcome", outcome);
    }

    private static void count(String outcome) {
        REDIRECTS.get(outcome).increment();
    }

    private static void page(HttpServerResponse response, int status, String title, String text) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
                .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" + title
                        + "</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;"
                        + "padding:0 1rem;color:#222}h1{font-size:1.4rem}</style></head><body><h1>" + title
                        + "</h1><p>" + text + "</p></body></html>");
    }
}
