package io.userstream.e2e;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * randomuser.me's API for a fixed population: {@code ?results=n&page=p} answers users (p-1)*n to p*n-1
 * in the documented shape ({@code results[]} and {@code info}), the same users every time.
 */
public final class RandomUserApiStub extends Dispatcher {

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<RandomUserPopulation.SourceUser> users;
    private final AtomicInteger requests = new AtomicInteger();

    public RandomUserApiStub(RandomUserPopulation population) {
        this.users = population.users();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.incrementAndGet();
        HttpUrl url = request.getUrl();
        int results = Integer.parseInt(param(url, "results", "1"));
        int page = Integer.parseInt(param(url, "page", "1"));
        ObjectNode body = json.createObjectNode();
        ArrayNode answer = body.putArray("results");
        int from = Math.min(users.size(), (page - 1) * results);
        int to = Math.min(users.size(), page * results);
        users.subList(from, to).forEach(user -> answer.add(user.json()));
        body.putObject("info").put("seed", param(url, "seed", "e2e")).put("results", to - from).put("page", page).put("version", "1.4");
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json; charset=utf-8")
                .body(body.toString()).build();
    }

    private static String param(HttpUrl url, String name, String absent) {
        String value = url.queryParameter(name);
        return value == null ? absent : value;
    }
}
