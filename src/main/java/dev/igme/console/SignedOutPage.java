package dev.igme.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Where the OpenID Connect provider sends a person back after {@code /console/sign-out}. Open to
 * anyone (no {@link ConsolePage} binding, and its own permission in application.properties): it
 * shows nothing but a way back in.
 */
@Path(Pages.ROOT + "/signed-out")
public class SignedOutPage {

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response signedOut() {
        return Pages.message(Response.Status.OK, "Signed out",
                "You have signed out of the igme console. Open the console again to sign in.");
    }
}
