package io.crmhub.crm.canonical;

public enum CustomerType {
    PERSON,
    ORGANIZATION
}
