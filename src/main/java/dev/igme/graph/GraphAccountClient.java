package dev.igme.graph;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * The Graph API calls that keep an account able to receive refs (Meta's pages, platform notes §7):
 * who the token belongs to, the app's webhook subscription, the ice breakers, and refreshing an
 * Instagram Login token. Both flavours: Instagram Login on graph.instagram.com with the user
 * token, Facebook Login on graph.facebook.com through the Page with the Page token. Every
 * {@link Uni} completes with a {@link GraphAnswer}, never a failure; the token travels only in the
 * Authorization header.
 *
 * <p>A client of its own (few calls, no pool sized for sending) with the same timeouts as the Send API.
 */
@ApplicationScoped
public class GraphAccountClient {

    private final WebClient client;
    private final IgmeConfig.Graph config;
    private final ObjectMapper mapper;

    public GraphAccountClient(Vertx vertx, IgmeConfig config, ObjectMapper mapper) {
        this.config = config.graph();
        this.mapper = mapper;
        this.client = WebClient.create(vertx, GraphUrls.clientOptions(this.config, 8));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Checks the token and reads the account's username. Instagram Login: {@code GET /me?fields=user_id,username}
     * ({@code user_id} is the id webhooks carry). Facebook Login: the Page with its linked
     * Instagram account, {@code GET /<page-id>?fields=id,name,instagram_business_account{id,username}}.
     */
    public Uni<GraphAnswer> whoAmI(Account account) {
        if (isPage(account)) {
            return call(HttpMethod.GET, account, base(account) + "/" + account.pageId()
                    + "?fields=id,name,instagram_business_account%7Bid,username%7D", null);
        }
        return call(HttpMethod.GET, account, base(account) + "/me?fields=user_id,username", null);
    }

    /** The app's webhook subscription for the account ({@code {"data":[{"subscribed_fields":[...]}]}}). */
    public Uni<GraphAnswer> subscribedApps(Account account) {
        return call(HttpMethod.GET, account, subscribedAppsUrl(account), null);
    }

    /** Subscribes the app to these fields for the account (Meta replaces the list: pass all wanted fields). */
    public Uni<GraphAnswer> subscribe(Account account, List<String> fields) {
        return call(HttpMethod.POST, account, subscribedAppsUrl(account) + "?subscribed_fields=" + String.join(",", fields), null);
    }

    /** The ice breakers ({@code {"data":[{"ice_breakers":[{"call_to_actions":[...],"locale":"default"}]}]}}). */
    public Uni<GraphAnswer> iceBreakers(Account account) {
        return call(HttpMethod.GET, account, base(account) + "/me/messenger_profile?fields=ice_breakers&platform=instagram", null);
    }

    /** Sets the ice breakers: {@code iceBreakers} is Meta's {@code ice_breakers} array. */
    public Uni<GraphAnswer> setIceBreakers(Account account, JsonNode iceBreakers) {
        var body = mapper.createObjectNode();
        body.put("platform", "instagram");
        body.set("ice_breakers", iceBreakers);
        return call(HttpMethod.POST, account, base(account) + "/me/messenger_profile?platform=instagram", body);
    }

    /**
     * Refreshes an Instagram Login long-lived token ({@code GET /refresh_access_token?grant_type=ig_refresh_token});
     * the answer holds {@code access_token} and {@code expires_in} (seconds). The token goes in the
     * Authorization header, as for every other call, not in the query string.
     */
    public Uni<GraphAnswer> refreshToken(Account account) {
        return call(HttpMethod.GET, account, GraphUrls.stripSlash(config.instagramUrl()) + "/refresh_access_token?grant_type=ig_refresh_token",
                null);
    }

    private Uni<GraphAnswer> call(HttpMethod method, Account account, String url, JsonNode body) {
        HttpRequest<Buffer> request = client.requestAbs(method, url)
                .timeout(config.requestTimeout().toMillis())
                .putHeader("Authorization", "Bearer " + account.accessToken());
        Uni<HttpResponse<Buffer>> sent;
        if (body != null) {
            sent = request.putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
        } else {
            sent = request.send();
        }
        return sent.map(this::answer)
                .onFailure().recoverWithItem(failure -> GraphAnswer.failed(GraphClient.networkFailure(failure).error()));
    }

    private GraphAnswer answer(HttpResponse<Buffer> response) {
        JsonNode json = GraphUrls.parseOrNull(mapper, response.bodyAsString());
        if (response.statusCode() / 100 == 2 && json != null && !json.has("error")) {
            return GraphAnswer.ok(json);
        }
        if (response.statusCode() / 100 == 2) {
            return GraphAnswer.failed(json == null
                    ? new GraphError(GraphError.Kind.UNKNOWN, response.statusCode(), null, null, "2xx answer that is not JSON")
                    : GraphError.classify(response.statusCode(), json));
        }
        return GraphAnswer.failed(GraphError.classify(response.statusCode(), json));
    }

    private String subscribedAppsUrl(Account account) {
        return base(account) + "/" + (isPage(account) ? account.pageId() : "me") + "/subscribed_apps";
    }

    private String base(Account account) {
        return GraphUrls.stripSlash(isPage(account) ? config.facebookUrl() : config.instagramUrl()) + "/" + config.version();
    }

    private static boolean isPage(Account account) {
        return account.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE;
    }

}
