package dev.remotemedia.grpc;

import dev.remotemedia.pipeline.AccessPolicy;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Installs {@link BearerAuthInterceptor} on every gRPC service of the Quarkus server. */
@GlobalInterceptor
@ApplicationScoped
public class AuthInterceptorBean implements ServerInterceptor {
    private volatile BearerAuthInterceptor delegate;

    @Inject
    AccessPolicy access;

    @Inject
    GrpcConfig config;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        BearerAuthInterceptor d = delegate;
        if (d == null) delegate = d = new BearerAuthInterceptor(access, config.auth().exemptHealth());
        return d.interceptCall(call, headers, next);
    }
}
