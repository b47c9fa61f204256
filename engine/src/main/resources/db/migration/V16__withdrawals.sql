-- Withdrawals of a leader's settled commission. pending_leader is the leader's subject while the
-- withdrawal is PENDING and NULL once decided: its unique key allows one pending withdrawal per
-- leader, also under concurrent requests (as leader_applications.open_buyer does).
CREATE TABLE withdrawals (
  id                  BIGINT        NOT NULL AUTO_INCREMENT,
  leader_id           VARCHAR(64)   NOT NULL,
  pending_leader      VARCHAR(64)   NULL,
  amount              BIGINT        NOT NULL,
  status              VARCHAR(16)   NOT NULL,
  transfer_reference  VARCHAR(64)   NULL,
  reason              VARCHAR(500)  NULL,
  requested_at        DATETIME(3)   NOT NULL,
  decided_at          DATETIME(3)   NULL,
  decided_by          VARCHAR(64)   NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_withdrawals_pending (pending_leader),
  KEY ix_withdrawals_leader (leader_id, id),
  KEY ix_withdrawals_status (status, id)
);
