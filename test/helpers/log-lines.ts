// What the server's log lines may look like (issue 13): a line per staff request, never one per
// resident request.

/** A line about one staff request; resident routes (POST /api/v1/reports included) never get one. */
export const STAFF_LINE =
  /^(?!POST \/api\/v1\/reports )(GET|POST|DELETE) \/api\/v1\/(session[A-Za-z/]*|reports(\/:ref(\/[a-z]+(\/:idx)?)?)?|witnesses[A-Za-z/:]*|disclosures[A-Za-z/:]*|log\/[a-z/]+) [1-5][0-9]{2} [0-9]+ms$/;
