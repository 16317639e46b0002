package dev.zumik.core.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 400 for a request whose body cannot be decoded (a malformed chunk size, say). Vert.x would fail the
 * request and drop the connection without a word, and a router would log a stack trace per request; this
 * answers in the server's own error format, logs one debug line and closes the connection, whose framing
 * is lost. It sits in the Netty pipeline just after the HTTP encoder, so its answer is encoded like any other.
 */
public final class MalformedBody {
    private static final Logger LOG = LoggerFactory.getLogger(MalformedBody.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** OpenAI's error object, which the OpenAI-compatible servers (proxy, simulator) and Zumik's own APIs answer with. */
    public static final MalformedBody OPENAI_ERROR = new MalformedBody("application/json", message -> {
        final ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param").put("code", "malformed_body");
        return error.toString();
    });

    private final String contentType;
    private final Function<String, String> body;

    /** An answer of {@code contentType} whose body {@code body} makes from the reason. */
    public MalformedBody(final String contentType, final Function<String, String> body) {
        this.contentType = contentType;
        this.body = body;
    }

    static void install(final HttpConnection connection, final MalformedBody malformed) {
        if (connection instanceof HttpServerConnection http
                && http.channelHandlerContext().pipeline().get("httpEncoder") != null) {
            http.channelHandlerContext().pipeline().addAfter("httpEncoder", "zumik-malformed-body", malformed.new Answer());
        }
    }

    /** Per connection: answers the current request's bad body, unless the server has already begun answering it. */
    private final class Answer extends ChannelDuplexHandler {
        /** Whether a (final, not 100 Continue) response to the request being read has begun: a second answer would be read as the next one's. */
        private boolean answered;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
            if (msg instanceof HttpRequest) {
                answered = false;
            }
            if (!(msg instanceof HttpContent content) || !content.decoderResult().isFailure()) {
                super.channelRead(ctx, msg);
                return;
            }
            final String reason = "malformed request body: " + content.decoderResult().cause().getMessage();
            content.release();
            if (answered) {
                LOG.debug("{} from {}; already answered, closed", reason, ctx.channel().remoteAddress());
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            LOG.debug("{} from {}; answered 400 and closed", reason, ctx.channel().remoteAddress());
            final byte[] bytes = body.apply(reason).getBytes(StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(bytes));
            response.headers().set("Content-Type", contentType).set("Content-Length", bytes.length).set("Connection", "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response
                    && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                answered = true;
            }
            super.write(ctx, msg, promise);
        }
    }
}
