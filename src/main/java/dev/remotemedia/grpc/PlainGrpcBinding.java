package dev.remotemedia.grpc;

import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * {@code PipelineService} for a plain grpc-java server (in-process test servers, embedded use),
 * bound by hand with a small Mutiny ⇄ StreamObserver bridge. (A subclass of the generated ImplBase
 * would be picked up by Quarkus as a second implementation and shadow the real one, and Quarkus'
 * own bridge needs the CDI container.)
 */
public final class PlainGrpcBinding {
    private PlainGrpcBinding() {}

    public static ServerServiceDefinition bind(StreamHandler handler) {
        return ServerServiceDefinition.builder(PipelineServiceGrpc.getServiceDescriptor())
                .addMethod(PipelineServiceGrpc.getDescribeMethod(), ServerCalls.asyncUnaryCall((req, out) ->
                        unary(Uni.createFrom().item(() -> handler.describe(null, req.getOmitNodeTypes())), out)))
                .addMethod(PipelineServiceGrpc.getReadyMethod(), ServerCalls.asyncUnaryCall((req, out) -> unary(handler.ready(), out)))
                .addMethod(PipelineServiceGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall((req, out) ->
                        unary(handler.execute(req), out)))
                .addMethod(PipelineServiceGrpc.getStreamMethod(), ServerCalls.asyncBidiStreamingCall(out -> bidi(handler, out)))
                .build();
    }

    private static <T> void unary(Uni<T> uni, StreamObserver<T> out) {
        uni.subscribe().with(item -> {
            out.onNext(item);
            out.onCompleted();
        }, e -> out.onError(status(e)));
    }

    private static StreamObserver<StreamRequest> bidi(StreamHandler handler, StreamObserver<StreamResponse> out) {
        UnicastProcessor<StreamRequest> requests = UnicastProcessor.create();
        var subscription = handler.stream(requests).subscribe().with(r -> {
            synchronized (out) {
                out.onNext(r);
            }
        }, e -> {
            synchronized (out) {
                out.onError(status(e));
            }
        }, () -> {
            synchronized (out) {
                out.onCompleted();
            }
        });
        if (out instanceof ServerCallStreamObserver<StreamResponse> s) s.setOnCancelHandler(subscription::cancel);
        return new StreamObserver<>() {
            @Override public void onNext(StreamRequest value) { requests.onNext(value); }
            @Override public void onError(Throwable t) { requests.onError(t); }
            @Override public void onCompleted() { requests.onComplete(); }
        };
    }

    private static StatusRuntimeException status(Throwable e) {
        Throwable t = StreamHandler.toStatus(e);
        return t instanceof StatusRuntimeException s ? s : Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException();
    }
}
