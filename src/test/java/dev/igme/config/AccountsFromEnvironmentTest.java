package dev.igme.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.igme.platform.Role;

/** The README and the Kubernetes manifests configure accounts through environment variables only. */
class AccountsFromEnvironmentTest {

    @Test
    void accountsAreReadFromDoubleUnderscoreVariables() {
        IgmeConfig config = ConfigFromEnv.of(Map.of(
                "IGME_ACCOUNTS__17841400000000001__ACCESS_TOKEN", "token-1",
                "IGME_ACCOUNTS__17841400000000002__ACCESS_TOKEN", "token-2",
                "IGME_ACCOUNTS__17841400000000002__FLAVOUR", "facebook-page",
                "IGME_ACCOUNTS__17841400000000002__PAGE_ID", "100000000000002"));
        assertEquals(2, config.accounts().size());
        assertEquals("token-1", config.accounts().get("17841400000000001").accessToken().orElseThrow());
        assertEquals(IgmeConfig.Account.Flavour.INSTAGRAM_LOGIN, config.accounts().get("17841400000000001").flavour());
        assertEquals(IgmeConfig.Account.Flavour.FACEBOOK_PAGE, config.accounts().get("17841400000000002").flavour());
        assertEquals("100000000000002", config.accounts().get("17841400000000002").pageId().orElseThrow());
    }

    @Test
    void rolesParseAndRejectUnknownNames() {
        assertEquals(java.util.EnumSet.of(Role.INGRESS, Role.REPLIER), Role.parse(" ingress , REPLIER "));
        assertEquals(java.util.EnumSet.allOf(Role.class), Role.parse(""));
        var e = assertThrows(IllegalArgumentException.class, () -> Role.parse("ingress,normaliser"));
        assertEquals("igme.roles has the unknown role 'normaliser'; known roles: ingress, normalizer, replier", e.getMessage());
    }
}
