package io.userstream.store.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.UserProcessed;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.write.UserWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Sequential GETs of stored users over one HTTP/1.1 keep-alive connection, as a client with a
 * connection pool sends them: every request must be answered. Reactor Netty 1.3.7 sometimes stopped
 * reading such a connection (reactor/reactor-netty#4361): the request sat unread in the server's
 * socket and the client waited forever. A plain socket guarantees one connection, reused. Each request
 * carries the reader's login (HTTP Basic), as a client of the secured API sends it.
 */
@StoreIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepAliveIT {

    private static final int USERS = 500;
    /** With Reactor Netty 1.3.7 the first stall came within 3 to 614 requests in six runs of six; 0 in 20,000 with 1.3.8. */
    private static final int REQUESTS = 6_000;
    /** Far longer than any single GET takes: reaching it means the request was never read. */
    private static final int ANSWER_TIMEOUT_MS = 10_000;

    @Autowired
    UserWriter users;
    @LocalServerPort
    int port;

    private final List<UUID> ids = new ArrayList<>();

    @BeforeAll
    void storeUsers() {
        UUID run = UUID.randomUUID();
        List<UserProcessed> written = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            written.add(TestUsers.user(id, run, "KA", i % 2 == 0 ? "female" : "male", Instant.parse("2022-01-01T00:00:00Z").plusSeconds(i),
                    "keepalive" + i));
        }
        assertThat(users.write(written)).isEmpty();
    }

    @Test
    void everySequentialGetOnOneKeepAliveConnectionIsAnswered(LocalStack stack) throws IOException {
        try (Connection connection = connect(stack.apiLogins().reader().basicAuthorization())) {
            for (int i = 0; i < REQUESTS; i++) {
                UUID id = ids.get(i % ids.size());
                String path = "/api/v1/users/" + id;
                Response response;
                try {
                    response = connection.get(path);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("GET " + path + ", request " + (i + 1) + " of " + REQUESTS + " on one kept-alive connection "
                            + "(client port " + connection.socket().getLocalPort() + "), got no answer within " + ANSWER_TIMEOUT_MS + " ms", e);
                }
                assertThat(response.status()).as("GET %s (request %d): %s", path, i + 1, response.body()).isEqualTo(200);
                assertThat(response.body()).as("GET %s", path).contains(id.toString());
            }
        }
    }

    private Connection connect(String authorization) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new Connection(socket, new BufferedInputStream(socket.getInputStream()), socket.getOutputStream(), authorization);
    }

    private record Response(int status, String body) {
    }

    /**
     * One request at a time, so the buffered input never holds bytes of a later response.
     *
     * @param authorization the {@code Authorization} header value every request carries
     */
    private record Connection(Socket socket, InputStream in, OutputStream out, String authorization) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            socket.close();
        }

        /** One request and its whole response (Content-Length or chunked), leaving the connection open. */
        Response get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nAuthorization: " + authorization
                    + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(in, path);
        }
    }

    private static Response read(InputStream in, String path) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long contentLength = -1;
        boolean chunked = false;
        String header;
        while (!(header = line(in)).isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring("content-length:".length()).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                throw new AssertionError("The server closed a keep-alive connection after GET " + path);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).split(";")[0].strip(), 16)) > 0) {
                body.write(in.readNBytes((int) size));
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (contentLength >= 0) {
            body.write(in.readNBytes((int) contentLength));
        } else {
            throw new AssertionError("GET " + path + " answered without Content-Length or chunked encoding");
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    /** One CRLF-terminated line. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("The server closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
