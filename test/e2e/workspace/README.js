console.log('workspace of the end-to-end tests');
