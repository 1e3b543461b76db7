package dev.remotemedia.grpc;

import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;

/**
 * {@code PipelineService} for a plain grpc-java server (in-process test servers, embedded use),
 * bound by hand: a subclass of the generated ImplBase would be picked up by Quarkus as a second
 * implementation of the service and shadow the real one.
 */
public final class PlainGrpcBinding {
    private PlainGrpcBinding() {}

    public static ServerServiceDefinition bind(StreamHandler handler) {
        return ServerServiceDefinition.builder(PipelineServiceGrpc.getServiceDescriptor())
                .addMethod(PipelineServiceGrpc.getDescribeMethod(), ServerCalls.asyncUnaryCall((req, out) ->
                        io.quarkus.grpc.stubs.ServerCalls.oneToOne(req, out, null,
                                r -> io.smallrye.mutiny.Uni.createFrom().item(() -> handler.describe(null)))))
                .addMethod(PipelineServiceGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall((req, out) ->
                        io.quarkus.grpc.stubs.ServerCalls.oneToOne(req, out, null, handler::execute)))
                .addMethod(PipelineServiceGrpc.getStreamMethod(), ServerCalls.asyncBidiStreamingCall(out ->
                        io.quarkus.grpc.stubs.ServerCalls.manyToMany(out, handler::stream)))
                .build();
    }
}
