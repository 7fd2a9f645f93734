package io.userstream.security.test;

import io.userstream.security.Role;
import java.util.function.Consumer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One endpoint of a secured API, as {@link SecuredApiContract} checks it.
 *
 * @param body   the JSON request body, or null
 * @param role   the role it needs; {@link Role#READER} means reader or operator
 * @param answer what that role gets: the endpoint's normal answer, or its own 404 for something that does not exist
 * @param check  what else that answer holds (headers, body)
 */
public record SecuredEndpoint(HttpMethod method, String path, String body, Role role, HttpStatus answer,
                              Consumer<WebTestClient.ResponseSpec> check) {

    public static SecuredEndpoint get(String path, Role role, HttpStatus answer, Consumer<WebTestClient.ResponseSpec> check) {
        return new SecuredEndpoint(HttpMethod.GET, path, null, role, answer, check);
    }

    public static SecuredEndpoint post(String path, String body, Role role, HttpStatus answer, Consumer<WebTestClient.ResponseSpec> check) {
        return new SecuredEndpoint(HttpMethod.POST, path, body, role, answer, check);
    }

    /** Sends the request as {@code client} and checks nothing yet. */
    public WebTestClient.ResponseSpec call(WebTestClient client) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(path);
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    /** The path as a problem's {@code instance} names it. */
    public String pathWithoutQuery() {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    @Override
    public String toString() {
        return method + " " + path + " (" + role.roleName() + ")";
    }
}
