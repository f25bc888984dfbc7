/**
 * lagscale: how often this fork's own paths ran in this process, so that an app can show (and a
 * test can prove) that it produces and fetches through them. One integer add per record batch
 * written or record set fetched; read with `lagscale.counters()`.
 */
module.exports = {
  /** Record batches the producer wrote with its records back to back (produce/v3/request.js). */
  producedRecordBatches: 0,
  /** Non-empty partition record sets a `rawRecordSets` consumer fetched undecoded (fetch/v11/response.js). */
  rawRecordSets: 0,
}
