package io.userstream.localstack.test;

import io.userstream.localstack.ServerKind;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Gives a test class real servers on loopback, started once per test JVM and shared by every
 * class that asks for them.
 *
 * <p>A test method, constructor or {@code @BeforeAll} method may take a
 * {@link io.userstream.localstack.LocalStack} parameter. In a Spring test the servers are wired in
 * through Spring Boot's own properties ({@code spring.kafka.bootstrap-servers},
 * {@code spring.kafka.properties.schema.registry.url}, {@code spring.cassandra.*},
 * {@code spring.datasource.*}: ingest-service's database and role, with its password), with the stack's API users
 * ({@code userstream.security.users.*}) and a Kafka login: the service's own principal when
 * {@code spring.application.name} names one of our services (so its tests run with only its ACLs), else the admin.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalServersExtension.class)
@ContextCustomizerFactories(LocalServersContextCustomizerFactory.class)
public @interface LocalServers {

    /**
     * The servers this class needs; Kafka, the registry, Cassandra and PostgreSQL by default. A
     * service ({@link ServerKind#isService()}) can be asked for too, with its requirements, in a
     * module the reactor builds after the service's jar (see the end-to-end module).
     */
    ServerKind[] value() default {ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA, ServerKind.POSTGRES};
}
