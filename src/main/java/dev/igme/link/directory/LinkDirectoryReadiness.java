package dev.igme.link.directory;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.igme.platform.Role;
import dev.igme.platform.Roles;

/** An ingress pod takes traffic once its redirect knows the links; other roles do not serve the redirect. */
@Readiness
@ApplicationScoped
public class LinkDirectoryReadiness implements HealthCheck {

    private final LinkDirectory directory;
    private final boolean ingress;

    public LinkDirectoryReadiness(LinkDirectory directory, Roles roles) {
        this.directory = directory;
        this.ingress = roles.has(Role.INGRESS);
    }

    @Override
    public HealthCheckResponse call() {
        if (!ingress) {
            return HealthCheckResponse.named("link-directory").up().withData("used", false).build();
        }
        return HealthCheckResponse.named("link-directory").status(directory.loaded()).build();
    }
}
