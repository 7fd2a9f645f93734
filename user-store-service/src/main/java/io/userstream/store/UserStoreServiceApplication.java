package io.userstream.store;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class UserStoreServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(UserStoreServiceApplication.class, args);
    }
}
