package dev.igme.platform.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Spellings of an /api path that path-based permission checks have been fooled by (the 3.33 line's
 * published HTTP path-normalisation fix is not in the pinned 3.33.2): none of them reaches a resource
 * without a token, and none lets a viewer do what only an admin may. Sent over a raw socket, so the
 * client normalises nothing.
 */
@QuarkusTest
class PathTricksTest {

    /** Each a spelling of GET /api/v1/attributions, the plain one first. */
    static final List<String> TRICKS = List.of(
            "/api/v1/attributions",
            "/api//v1/attributions",
            "//api/v1/attributions",
            "/api/v1//attributions",
            "/api/v1/./attributions",
            "/api/v1/../v1/attributions",
            "/api/x/../v1/attributions",
            "/x/../api/v1/attributions",
            "/api/v1/%2E%2E/v1/attributions",
            "/api/v1/%2e/attributions",
            "/api%2Fv1%2Fattributions",
            "/api%2fv1/attributions",
            "/api/v1%2Fattributions",
            "/api;x=y/v1/attributions",
            "/api/v1;x=y/attributions",
            "/api/v1/attributions;x=y",
            "/api/v1/attributions;",
            "/api/v1/attributions.",
            "/api./v1/attributions",
            "/api/v1/attributions/",
            "/api/v1/attributions/.",
            "/api/v1/attributions%20",
            "/api/v1/attributions%00",
            "/API/v1/attributions",
            "/api\\v1\\attributions",
            "/api/v1/attributions?account=x#frag");

    @TestHTTPResource("/")
    URL server;

    @Test
    void withoutATokenNoSpellingReachesTheApi() throws IOException {
        List<String> reached = new ArrayList<>();
        List<String> routed = new ArrayList<>();
        for (String path : TRICKS) {
            int status = status("GET", path, null);
            if (status / 100 == 2 || status / 100 == 5) {
                reached.add(path + " -> " + status);
            }
            if (status("GET", path, Tokens.viewer()) == 200) {
                routed.add(path); // this spelling does reach the resource, so the 401 above was the token check
            }
        }
        assertTrue(reached.isEmpty(), "answered without a token: " + reached);
        assertTrue(routed.size() > 1, "some other spellings do reach the resource (with a token): " + routed);
        assertEquals(401, status("GET", TRICKS.get(0), null), "the plain path asks for a token");
        assertEquals(200, status("GET", TRICKS.get(0), Tokens.viewer()), "and serves a viewer");
    }

    @Test
    void aViewerCannotReachAnAdminMethodThroughAnotherSpelling() throws IOException {
        String viewer = Tokens.viewer();
        List<String> reached = new ArrayList<>();
        for (String path : List.of("/api/v1/reply-rules", "/api//v1/reply-rules", "/api/v1/../v1/reply-rules",
                "/api/v1/%2E%2E/v1/reply-rules", "/api%2Fv1%2Freply-rules", "/api;x=y/v1/reply-rules",
                "/api/v1/reply-rules;x=y", "/api/v1/reply-rules.", "/api/v1/reply-rules/", "/API/v1/reply-rules")) {
            int status = status("GET", path, viewer);
            if (status / 100 == 2 || status / 100 == 5) {
                reached.add(path + " -> " + status);
            }
        }
        assertTrue(reached.isEmpty(), "a viewer was served an admin-only resource: " + reached);
        assertEquals(403, status("GET", "/api/v1/reply-rules", viewer));
    }

    /** The status line's code for a request sent byte for byte as given. */
    private int status(String method, String path, String token) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            if (statusLine == null) {
                return 0; // closed without an answer: not served either
            }
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
