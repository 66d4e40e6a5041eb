export {
  submitSharingRequest,
  sharingPrefill,
  getSharingRequest,
  listSharingRequests,
  decideSharingRequest,
  sharedWithoutRequest,
} from './sharing.ts';
