package dev.igme.platform.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.junit.jupiter.api.Test;

import io.quarkus.security.Authenticated;

/**
 * The API is not protected by the {@code /api/*} path policy alone: every resource method under
 * {@code /api} carries its roles itself, so a request that slips past path matching (the 3.33 line's
 * published path-normalisation fix, which 3.33.2 lacks; see README "Security fixes of the pinned
 * Quarkus") still meets {@code @RolesAllowed} on the method it reaches.
 */
class AuthorizationByAnnotationTest {

    private static final List<Class<? extends Annotation>> HTTP_METHODS = List.of(GET.class, POST.class, PUT.class,
            DELETE.class, PATCH.class, HEAD.class, OPTIONS.class);

    @Test
    void everyResourceMethodUnderApiNamesItsRoles() throws Exception {
        List<String> endpoints = new ArrayList<>();
        List<String> unprotected = new ArrayList<>();
        scan(mainClasses(), endpoints, unprotected);
        assertTrue(endpoints.size() >= 20, "the scan found the API's resource methods: " + endpoints);
        assertTrue(endpoints.contains("AttributionResource.list"), "the scan found the attribution API: " + endpoints);
        assertTrue(unprotected.isEmpty(), "resource methods under /api without @RolesAllowed or @Authenticated: " + unprotected);
    }

    @Test
    void theScanFindsAResourceThatForgotItsRoles() {
        List<String> unprotected = new ArrayList<>();
        scan(List.of(Forgotten.class, PermittedInside.class), new ArrayList<>(), unprotected);
        assertEquals(List.of("Forgotten.list", "PermittedInside.open"), unprotected.stream().sorted().toList());
    }

    @jakarta.ws.rs.Path("/api/v1/forgotten")
    static class Forgotten {
        @GET
        public String list() {
            return "";
        }
    }

    @jakarta.ws.rs.Path("api/v1/permitted")
    @RolesAllowed("igme-admin")
    static class PermittedInside {
        @GET
        @PermitAll
        public String open() {
            return "";
        }

        @POST
        public String guarded() {
            return "";
        }
    }

    /** Adds every resource method under /api to {@code endpoints}, and those that name no roles to {@code unprotected}. */
    private static void scan(List<Class<?>> classes, List<String> endpoints, List<String> unprotected) {
        for (Class<?> type : classes) {
            jakarta.ws.rs.Path path = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (path == null || !normalise(path.value()).startsWith("/api")) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (HTTP_METHODS.stream().noneMatch(method::isAnnotationPresent)
                        && !method.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    continue; // not a resource method
                }
                String name = type.getSimpleName() + "." + method.getName();
                endpoints.add(name);
                boolean permitted = method.isAnnotationPresent(PermitAll.class)
                        || (type.isAnnotationPresent(PermitAll.class) && !secured(method));
                if (permitted || !(secured(method) || secured(type))) {
                    unprotected.add(name);
                }
            }
        }
    }

    private static boolean secured(java.lang.reflect.AnnotatedElement element) {
        RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
        return (roles != null && roles.value().length > 0) || element.isAnnotationPresent(Authenticated.class);
    }

    private static String normalise(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    /** Every class compiled from src/main/java (the directory holding this project's main classes). */
    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ApiError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                name = name.substring(0, name.length() - ".class".length());
                if (name.startsWith("dev.igme.")) {
                    classes.add(Class.forName(name, false, AuthorizationByAnnotationTest.class.getClassLoader()));
                }
            }
        }
        return classes;
    }
}
