package dev.igme.reply.coupons;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.platform.api.ApiError;

/** Refused pools and uploads: 400 naming the field (an upload's line in the message), 409, 413, 415. */
public class CouponExceptionMappers {

    @ServerExceptionMapper
    public Response nameTaken(CouponPools.NameTaken e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage(), "name"));
    }

    @ServerExceptionMapper
    public Response inUse(CouponPools.InUse e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response invalidUpload(CodeUpload.InvalidUpload e) {
        return ApiError.response(Response.Status.fromStatusCode(e.status()),
                new ApiError(e.getMessage(), e.status() == 400 ? "code" : null));
    }
}
