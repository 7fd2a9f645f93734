package io.userstream.ingest.fetch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local stand-in for randomuser.me serving its documented response shape: the same users for the
 * same (seed, page, results), credentials included (so tests can prove they are never published).
 * Responses can be scripted per page (500, 429, malformed JSON, delays) before the real answer.
 */
public final class RandomUserStub extends Dispatcher {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<Integer, Deque<MockResponse>> scripted = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<Integer, AtomicInteger> hung = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requestsByPage = new ConcurrentHashMap<>();
    private volatile int unusableEvery;
    private volatile Duration delay = Duration.ZERO;
    private final Map<Integer, AtomicInteger> hangs = new ConcurrentHashMap<>();
    private volatile CountDownLatch released = new CountDownLatch(1);

    /** Serves {@code response} for the next request of {@code page} instead of the page itself. */
    public RandomUserStub script(int page, MockResponse response) {
        scripted.computeIfAbsent(page, p -> new ArrayDeque<>()).addLast(response);
        return this;
    }

    /**
     * The next request of {@code page} gets no answer until {@link #release()} (a hung API: the client
     * must give up by its own timeout); later requests of that page are answered as usual.
     */
    public RandomUserStub hang(int page) {
        hangs.computeIfAbsent(page, p -> new AtomicInteger()).incrementAndGet();
        return this;
    }

    /** Ends every hang: requests held by {@link #hang(int)} are answered (too late for a client that gave up). */
    public RandomUserStub release() {
        released.countDown();
        return this;
    }

    /** Requests of {@code page} held by {@link #hang(int)} right now or before. */
    public int hung(int page) {
        AtomicInteger count = hung.get(page);
        return count == null ? 0 : count.get();
    }

    /** Every {@code n}-th user of a page (positions n-1, 2n-1, ...) comes without location.city. */
    public RandomUserStub unusableEvery(int n) {
        this.unusableEvery = n;
        return this;
    }

    /** Delays every page answer (a slow API, for stopping a run half way). */
    public RandomUserStub delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** Requests received for {@code page} of {@code seed}, scripted answers included. */
    public int requests(String seed, int page) {
        AtomicInteger count = requestsByPage.get(seed + "/" + page);
        return count == null ? 0 : count.get();
    }

    /** Back to a well-behaved, fast API with no scripted answers (keeps the request counts). */
    public RandomUserStub reset() {
        scripted.clear();
        hangs.clear();
        released.countDown();
        released = new CountDownLatch(1);
        unusableEvery = 0;
        delay = Duration.ZERO;
        return this;
    }

    public static UUID loginUuid(String seed, int page, int position) {
        return UUID.nameUUIDFromBytes((seed + "/" + page + "/" + position).getBytes(StandardCharsets.UTF_8));
    }

    public boolean isUnusable(int position) {
        int every = unusableEvery;
        return every > 0 && position % every == every - 1;
    }

    public static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("{\"error\": \"stub status " + code + "\"}").build();
    }

    public static MockResponse tooManyRequests(String retryAfter) {
        MockResponse.Builder builder = new MockResponse.Builder().code(429).body("Too Many Requests");
        if (retryAfter != null) {
            builder.addHeader("Retry-After", retryAfter);
        }
        return builder.build();
    }

    public static MockResponse malformed() {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"results\": [{\"gender\": \"female\", \"name\": {").build();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.incrementAndGet();
        HttpUrl url = request.getUrl();
        int page = Integer.parseInt(param(url, "page", "1"));
        requestsByPage.computeIfAbsent(param(url, "seed", "random") + "/" + page, p -> new AtomicInteger()).incrementAndGet();
        AtomicInteger hangsLeft = hangs.get(page);
        if (hangsLeft != null && hangsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            CountDownLatch release = released;
            hung.computeIfAbsent(page, p -> new AtomicInteger()).incrementAndGet();
            awaitRelease(release);
        }
        Deque<MockResponse> queue = scripted.get(page);
        if (queue != null) {
            synchronized (queue) {
                MockResponse next = queue.pollFirst();
                if (next != null) {
                    return next;
                }
            }
        }
        int results = Integer.parseInt(param(url, "results", "1"));
        String seed = param(url, "seed", "random");
        String nat = param(url, "nat", "us").split(",")[0].toUpperCase(Locale.ROOT);
        ObjectNode body = json.createObjectNode();
        ArrayNode users = body.putArray("results");
        for (int position = 0; position < results; position++) {
            users.add(user(seed, page, position, nat));
        }
        ObjectNode info = body.putObject("info");
        info.put("seed", seed).put("results", results).put("page", page).put("version", "1.4");
        MockResponse.Builder response = new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json; charset=utf-8")
                .body(json.writeValueAsString(body));
        if (!delay.isZero()) {
            response.headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return response.build();
    }

    private static void awaitRelease(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode user(String seed, int page, int position, String nat) {
        boolean female = (page + position) % 2 == 0;
        int n = page * 10_000 + position;
        ObjectNode user = json.createObjectNode();
        user.put("gender", female ? "female" : "male");
        user.putObject("name").put("title", female ? "Ms" : "Mr").put("first", "First" + n).put("last", "Last" + n);
        ObjectNode location = user.putObject("location");
        location.putObject("street").put("number", 1 + position).put("name", "Stub Street");
        if (!isUnusable(position)) {
            location.put("city", "City" + (n % 50));
        }
        location.put("state", "State").put("country", "Country " + nat);
        if (position % 2 == 0) {
            location.put("postcode", 10_000 + position); // a number for some nationalities
        } else {
            location.put("postcode", "PC " + position); // a string for others
        }
        location.putObject("coordinates").put("latitude", "12.3456").put("longitude", "-65.4321");
        location.putObject("timezone").put("offset", "+1:00").put("description", "Brussels, Copenhagen, Madrid, Paris");
        user.put("email", "user" + n + "@example.com");
        user.putObject("login").put("uuid", loginUuid(seed, page, position).toString()).put("username", "user" + n)
                .put("password", "hunter2").put("salt", "NaCl").put("md5", "md5-" + n).put("sha1", "sha1-" + n)
                .put("sha256", "sha256-" + n);
        user.putObject("dob").put("date", "1990-03-08T15:13:16.688Z").put("age", 36);
        user.putObject("registered").put("date", "2015-07-09T05:51:59.390Z").put("age", 11);
        user.put("phone", "(272) 790-0888").put("cell", "(489) 330-2385");
        ObjectNode id = user.putObject("id").put("name", position % 3 == 0 ? "" : "SSN");
        if (position % 3 == 0) {
            id.putNull("value");
        } else {
            id.put("value", "405-88-" + (1000 + position));
        }
        user.putObject("picture").put("large", "https://randomuser.me/api/portraits/women/1.jpg")
                .put("medium", "https://randomuser.me/api/portraits/med/women/1.jpg")
                .put("thumbnail", "https://randomuser.me/api/portraits/thumb/women/1.jpg");
        user.put("nat", nat);
        return user;
    }

    private static String param(HttpUrl url, String name, String absent) {
        String value = url.queryParameter(name);
        return value == null ? absent : value;
    }
}
