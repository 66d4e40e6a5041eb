export {
  submitSharingRequest,
  sharingPrefill,
  getSharingRequest,
  listSharingRequests,
  decideSharingRequest,
} from './sharing.ts';
export {
  getNegotiation,
  postNegotiationMessage,
  giveUpNegotiation,
  NegotiationMessageInputSchema,
} from './negotiation.ts';
