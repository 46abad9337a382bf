package dev.igme.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * The Graph API's Send API for a packaged service under test (the ITs): on loopback, every call
 * answered 200 after a fixed delay (a slow Meta, so that faults find calls in flight), every call
 * kept for counting per recipient. Point the service at {@link #url()}.
 */
public final class FakeSendApi implements AutoCloseable {

    private final WireMockServer server;

    private FakeSendApi(WireMockServer server) {
        this.server = server;
    }

    public static FakeSendApi start(int delayMillis) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(32));
        server.start();
        server.stubFor(post(urlMatching("/ig/.*")).willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis)
                .withHeader("Content-Type", "application/json").withBody("{\"recipient_id\":\"x\",\"message_id\":\"m\"}")));
        return new FakeSendApi(server);
    }

    /** The base URL the service's {@code igme.graph.instagram-url} takes. */
    public String url() {
        return server.baseUrl() + "/ig";
    }

    /** Every Send API call so far. */
    public List<LoggedRequest> calls() {
        return server.findAll(postRequestedFor(urlMatching("/ig/.*")));
    }

    /** The Send API calls to one recipient (the message's {@code recipient.id}). */
    public List<LoggedRequest> calls(String recipient) {
        return server.findAll(postRequestedFor(urlMatching("/ig/.*"))
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(recipient))));
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Closes each in turn (nulls skipped), going on past a failure: the end of an IT's class. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }
}
