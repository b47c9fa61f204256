-- WeChat: buyers who signed in through the mini-program, and what the WeChat Pay adapter keeps
-- about its prepays and refunds so it can answer repeats, close expired orders and reconcile
-- notifications that never arrived.

CREATE TABLE buyers (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  openid         VARCHAR(64)  NOT NULL,
  unionid        VARCHAR(64)  NULL,
  created_at     DATETIME(3)  NOT NULL,
  last_login_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_buyers_openid (openid),
  UNIQUE KEY ux_buyers_unionid (unionid)
);

-- One prepay per order; status PREPAID -> PAID | CLOSED.
CREATE TABLE wechat_payments (
  order_id        VARCHAR(40)  NOT NULL,
  out_trade_no    VARCHAR(32)  NOT NULL,
  prepay_id       VARCHAR(64)  NOT NULL,
  amount          BIGINT       NOT NULL,
  pay_by          DATETIME(3)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  transaction_id  VARCHAR(64)  NULL,
  check_at        DATETIME(3)  NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (order_id),
  UNIQUE KEY ux_wechat_payments_trade (out_trade_no),
  KEY ix_wechat_payments_due (status, check_at)
);

-- One row per refund number; status PENDING (not accepted by WeChat yet) -> PROCESSING ->
-- SUCCESS | ABNORMAL. ABNORMAL needs a person: the merchant's console and admins list them.
CREATE TABLE wechat_refunds (
  refund_no    VARCHAR(64)   NOT NULL,
  order_id     VARCHAR(40)   NOT NULL,
  activity_id  BIGINT        NOT NULL,
  amount       BIGINT        NOT NULL,
  total        BIGINT        NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  attempts     INT           NOT NULL,
  last_error   VARCHAR(255)  NULL,
  refund_id    VARCHAR(64)   NULL,
  check_at     DATETIME(3)   NOT NULL,
  created_at   DATETIME(3)   NOT NULL,
  updated_at   DATETIME(3)   NOT NULL,
  PRIMARY KEY (refund_no),
  KEY ix_wechat_refunds_due (status, check_at),
  KEY ix_wechat_refunds_activity (activity_id, status)
);
