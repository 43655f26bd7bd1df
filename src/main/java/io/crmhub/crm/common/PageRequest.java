package io.crmhub.crm.common;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code ?page=&size=} of a list endpoint; size is capped so one request cannot read the whole table. */
public record PageRequest(@Min(0) Integer page, @Min(1) @Max(200) Integer size) {
    public int pageOrDefault() {
        return page == null ? 0 : page;
    }

    public int sizeOrDefault() {
        return size == null ? 20 : size;
    }

    public long offset() {
        return (long) pageOrDefault() * sizeOrDefault();
    }
}
