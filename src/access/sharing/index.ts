export {
  submitSharingRequest,
  sharingPrefill,
  getSharingRequest,
  listSharingRequests,
  decideSharingRequest,
  sharedWithoutRequest,
} from './sharing.ts';
export {
  getNegotiation,
  postNegotiationMessage,
  giveUpNegotiation,
  NegotiationMessageInputSchema,
} from './negotiation.ts';
