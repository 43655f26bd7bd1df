-- What the customer needs to pay a created payment (QR code URL of WeChat Pay Native / Alipay precreate).
ALTER TABLE payment ADD COLUMN qr_code_url VARCHAR(512);
