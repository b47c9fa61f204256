-- Writes a stock transfer's record again, unchanged, in its giving bucket, so that a WAIT sent
-- after this script on the same connection confirms the replicas have everything the giver's
-- primary wrote up to now, the take of this transfer included (replication is in order). With
-- `flashgroup.redis.min-replicas` > 0 the rebalancer gives a transfer left behind only after such a
-- confirmation: a give whose take is not on a replica creates units when the giver's primary dies
-- and that replica is promoted (docs/cluster.md, "Moving stock between buckets"). WAIT counts only
-- the connection's own writes, so the check must write; a record already gone writes nothing and is
-- not given (whoever deleted it settled the transfer).
--
-- KEYS[1] the giving bucket's transfers_out hash   ARGV[1] transfer id
-- Returns {'TOUCHED'} or {'GONE'}.
local out_key, transfer_id = KEYS[1], ARGV[1]
local record = redis.call('HGET', out_key, transfer_id)
if not record then return {'GONE'} end
redis.call('HSET', out_key, transfer_id, record)
return {'TOUCHED'}
