package dev.igme.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.igme.config.IgmeConfig;

/** Who the console lets in when no issuer signed anybody in: nobody, unless a demo user is configured. */
class ConsoleSignInTest {

    static IgmeConfig.Console console(List<String> roles) {
        return new IgmeConfig.Console() {
            @Override
            public Optional<List<String>> demoRoles() {
                return Optional.ofNullable(roles);
            }

            @Override
            public String demoUser() {
                return "demo@igme.local";
            }
        };
    }

    @Test
    void withoutDemoRolesNobodyIsSignedIn() {
        assertTrue(ConsoleSignIn.demoUser(console(null)).isEmpty());
        assertTrue(ConsoleSignIn.demoUser(console(List.of())).isEmpty());
    }

    @Test
    void aViewerSeesButDoesNotEdit_anAdminDoesBoth() {
        ConsoleUser viewer = ConsoleSignIn.demoUser(console(List.of("igme-viewer"))).orElseThrow();
        assertTrue(viewer.viewer());
        assertFalse(viewer.admin());
        ConsoleUser admin = ConsoleSignIn.demoUser(console(List.of("igme-admin"))).orElseThrow();
        assertTrue(admin.viewer());
        assertTrue(admin.admin());
        assertEquals("demo@igme.local", admin.name());
        ConsoleUser stranger = ConsoleSignIn.demoUser(console(List.of("someone-else"))).orElseThrow();
        assertFalse(stranger.viewer());
    }
}
