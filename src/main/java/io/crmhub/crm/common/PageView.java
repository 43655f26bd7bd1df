package io.crmhub.crm.common;

import java.util.List;

/** One page of a list endpoint. */
public record PageView<T>(List<T> items, int page, int size, long totalItems) {
}
